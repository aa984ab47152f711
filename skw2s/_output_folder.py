"""The output folder of ``skw2s run`` and ``skw2s select``: what a run may touch there.

A run never loses a file it did not write. It records what it wrote in a manifest,
:data:`MANIFEST` (each file's name and SHA-256), inside the folder. A file counts as the
tool's own only while it is listed there *and* unchanged since; every other entry of the
folder is the user's. Then:

* without ``--overwrite`` the folder must be new, empty, or hold only the tool's own
  files (a re-run replaces them); anything else: :class:`~skw2s.exceptions.CLIError`
  before any work, nothing touched;
* with ``--overwrite`` the user's files stay where they are, untouched, beside the
  outputs; one whose name an output would take is still refused (move or rename it);
* the tool's own files of an earlier run that this run does not write again (another
  format) are removed; nothing else is ever removed.

The outputs are written to a temporary folder inside the output folder (:func:`staged`)
and moved into place once all are written (:func:`commit`): an interrupted run leaves
no half-written output, only the temporary folder, which later runs ignore.
"""

import contextlib
import hashlib
import json
import os
import pathlib
import shutil
import tempfile

from .exceptions import CLIError

#: The manifest of the files a run wrote (name -> SHA-256), inside the output folder.
MANIFEST = ".skw2s-outputs.json"
#: Prefix of the temporary folders the outputs are written to, inside the output folder.
TMP_PREFIX = ".skw2s-tmp-"


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _manifest(out_dir):
    """``{name: sha256}`` of the manifest, or None when there is none or it is not one
    of ours (then the file of that name is the user's)."""
    path = out_dir / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        if data.get("written_by") != "skw2s" or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
            return None
        return dict(files)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def classify(out_dir):
    """``(own, user)``: the names of the files of ``out_dir`` that a skw2s run wrote and
    nobody changed since, and the sorted names of the user's entries (every one but those,
    a manifest of ours and the temporary folders). Each listed file is hashed once."""
    if not out_dir.is_dir():
        return set(), []
    listed = _manifest(out_dir)
    own = set()
    for name, digest in (listed or {}).items():
        p = out_dir / name
        if pathlib.PurePath(name).name == name and p.is_file() and not p.is_symlink() and _sha256(p) == digest:
            own.add(name)
    user = []
    for p in out_dir.iterdir():
        if p.name in own or (p.name == MANIFEST and listed is not None):
            continue
        if p.name.startswith(TMP_PREFIX) and p.is_dir() and not p.is_symlink():
            continue
        user.append(p.name)
    return own, sorted(user)


def _listing(names, k=3):
    return ", ".join(names[:k]) + (", ..." if len(names) > k else "")


def check_output_folder(out_dir, names, *, overwrite, inputs=()):
    """Raise CLIError unless a run may write the files ``names`` into ``out_dir``.

    ``inputs``: ``(option, path)`` of the run's input files, none of which may lie
    inside ``out_dir``. Creates nothing."""
    out_dir = pathlib.Path(out_dir)
    existing = out_dir.absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise CLIError(f"--output {out_dir}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise CLIError(f"--output {out_dir}: {existing} is not writable")
    resolved = out_dir.resolve()
    for option, path in inputs:
        if path is not None and resolved in pathlib.Path(path).resolve().parents:
            raise CLIError(f"{option} {path} lies inside --output {out_dir}: the outputs would "
                           "be written beside it; choose another output folder")
    _refuse_user_files(out_dir, classify(out_dir)[1], names, overwrite)


def _refuse_user_files(out_dir, user, names, overwrite):
    """CLIError when the user's entries ``user`` forbid writing ``names`` into ``out_dir``."""
    if not user:
        return
    if not overwrite:
        raise CLIError(
            f"--output {out_dir} holds files skw2s did not write ({_listing(user)}): choose a new or "
            "empty folder, or pass --overwrite to write beside them (they are kept as they are)"
        )
    taken = sorted(set(user) & (set(names) | {MANIFEST}))
    if taken:
        raise CLIError(
            f"--output {out_dir}: {taken[0]!r} was not written by skw2s (or was changed since) and an "
            "output of this run has its name; move or rename it (skw2s never replaces a file it did "
            "not write, even with --overwrite)"
        )


@contextlib.contextmanager
def staged(out_dir):
    """A temporary folder inside ``out_dir`` (created with its parents), removed on exit."""
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = pathlib.Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=out_dir))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def commit(tmp, out_dir, *, overwrite):
    """Move every file of ``tmp`` into ``out_dir``; remove the tool's own files of an
    earlier run that were not written again; record the new files in the manifest.

    Checks the folder again first (it may have changed during the run): CLIError, and
    nothing moved, when a file of the user's would be replaced."""
    out_dir = pathlib.Path(out_dir)
    written = sorted(f.name for f in tmp.iterdir())
    own, user = classify(out_dir)
    _refuse_user_files(out_dir, user, written, overwrite)
    digests = {name: _sha256(tmp / name) for name in written}
    for name in own - set(written):  # an earlier run's output in another format
        (out_dir / name).unlink()
    for name in written:
        os.replace(tmp / name, out_dir / name)
    manifest = tmp / MANIFEST
    manifest.write_text(json.dumps({"written_by": "skw2s", "files": digests}, indent=1), encoding="utf-8")
    os.replace(manifest, out_dir / MANIFEST)
    return written
