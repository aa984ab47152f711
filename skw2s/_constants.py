"""Codes of the three groups of the data-centric W2S partition.

Labels are small integers so that they behave like any scikit-learn prediction;
``GROUP_NAMES[code]`` gives the readable name.
"""

#: Points the weak model labels confidently and that share no pattern with hard-only points.
EASY = 0
#: Points the weak model cannot label confidently: they only carry the hard pattern.
HARD = 1
#: Points the weak model labels confidently *and* that resemble hard-only points.
OVERLAP = 2

#: Readable name of each code: ``GROUP_NAMES[OVERLAP] == "overlap"``.
GROUP_NAMES = ("easy", "hard", "overlap")
