"""The offices' pages: the public directory (``directory``), the office portal
(``portal``) and the licensing officers' pages (``licensing``)."""

from musaned.core.errors import ApplicationError


def add_errors(form, error: ApplicationError) -> None:
    """An ``OfficeError`` beside the field it names, or at the top of the form; what the
    person typed stays in the form."""
    placed = False
    for name, problems in (error.fields or {}).items():
        if name in form.fields:
            for problem in problems:
                form.add_error(name, str(problem))
            placed = True
    if not placed:
        form.add_error(None, str(error.message))
