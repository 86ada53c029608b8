"""The rule that keeps editors' changes: an imported field follows the package only while it still
holds the value last imported."""

LIST_FIELDS = ("modalities", "capabilities")


def merge_fields(current: dict, imported: dict, desired: dict) -> tuple[dict, dict, bool]:
    """(fields to write, new metadata["imported"], whether an editor's change was kept).

    A field whose value still equals the last imported one follows the package; any other
    value is an editor's and stays. List fields merge: the package's additions and removals
    apply, the editor's stay.
    """
    writes, baseline, kept = {}, dict(imported), False
    for name, new in desired.items():
        now = current[name]
        if name in LIST_FIELDS and name in imported:
            old = imported[name]
            merged = [item for item in now if item in new or item not in old]
            merged += [item for item in new if item not in old and item not in merged]
            kept |= set(now) != set(old)
            if merged != now:
                writes[name] = merged
            baseline[name] = new
        elif name in imported and imported[name] == now:
            if new != now:
                writes[name] = new
            baseline[name] = new
        elif now == new:
            baseline[name] = new  # the editor's value and the package agree again
        else:
            kept = True
            baseline.setdefault(name, new)  # an adopted row: its value counts as an editor's
    return writes, baseline, kept
