"""Names of the three groups of the data-centric W2S partition."""

#: Points the weak model labels confidently and that share no pattern with hard-only points.
EASY = "easy"
#: Points the weak model cannot label confidently: they only carry the hard pattern.
HARD = "hard"
#: Points the weak model labels confidently *and* that resemble hard-only points.
OVERLAP = "overlap"

GROUPS = (EASY, OVERLAP, HARD)
