class ServiceError(Exception):
    """A business rule refused the action. ``str(error)`` is a message for the user."""


class Conflict(ServiceError):
    """Someone else changed the object since it was read; nothing was overwritten."""
