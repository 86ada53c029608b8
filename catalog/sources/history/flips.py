"""Finding the release in which a source first marked each model deprecated, reading few releases."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

# One release's models: offer key -> whether the release marks it deprecated. A model the release
# does not list is absent, never "deprecated": a source dropping a model says nothing of its status.
Listing = Mapping[str, bool]


@dataclass(frozen=True)
class Flip:
    version: str  # the first release marking the model deprecated
    # The release just before it, which listed the model as current; None when none did (the model was
    # deprecated in the oldest release read, or first appeared already deprecated): only the end is known.
    previous: str | None


def deprecation_flips(
    versions: Sequence[str], read: Callable[[str], Listing | None], step: int = 16
) -> dict[str, Flip]:
    """For each model the newest release marks deprecated, the release that first did and the one before.

    `versions` is oldest first; `read` gives a release's listing, None when it cannot be read (that
    release is passed over). Every `step`-th release is read, then the releases between two read ones
    where a model's mark changes are bisected: so a mark is taken to change at most once between two
    samples. A model deprecated in the oldest readable release, or that appears already deprecated
    (after a release that did not list it), has no previous release: the first release marking it
    deprecated still bounds the day (on or before), but nothing tells how long before.
    """
    listings: dict[int, Listing | None] = {}

    def at(index: int) -> Listing | None:
        if index not in listings:
            listings[index] = read(versions[index])
        return listings[index]

    last = len(versions) - 1
    newest = at(last)
    if newest is None:
        raise ValueError(f"the newest release, {versions[last]}, cannot be read")
    first = next(index for index in range(last + 1) if at(index) is not None)
    samples = [index for index in sorted({*range(first, last, step), last}) if at(index) is not None]
    flips: dict[str, Flip] = {}
    for key in sorted(key for key, deprecated in newest.items() if deprecated):
        # The newest sample not marking it deprecated; none: deprecated since the oldest release read.
        before = next((index for index in reversed(samples) if not at(index).get(key, False)), None)
        if before is None:
            flips[key] = Flip(version=versions[first], previous=None)
            continue
        low, high = before, samples[samples.index(before) + 1]
        while between := [index for index in range(low + 1, high) if listings.get(index, {}) is not None]:
            middle = between[len(between) // 2]
            if (listing := at(middle)) is None:
                continue
            if listing.get(key, False):
                high = middle
            else:
                low = middle
        # Absent from the release before (not listed as current): only the end of the window is known.
        flips[key] = Flip(version=versions[high], previous=versions[low] if key in at(low) else None)
    return flips
