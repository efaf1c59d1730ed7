"""One progress bar for the long management commands (generate_cases, rotate_keys, search_index
rebuild): count, rate and time left, on the command's error stream so the output stays parseable."""

from __future__ import annotations

from tqdm import tqdm


def progress_bar(command, *, total: int | None, unit: str, desc: str = "") -> tqdm:
    """A tqdm bar on ``command``'s stderr (the underlying stream, not Django's line wrapper)."""
    stream = getattr(command.stderr, "_out", command.stderr)
    return tqdm(
        total=total,
        unit=unit,
        desc=desc,
        file=stream,
        unit_scale=True,
        mininterval=2.0,
        smoothing=0.1,
        dynamic_ncols=True,
    )
