def first():
    return 1


def second():
    """The second one."""
    return 1
