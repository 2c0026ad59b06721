"""Where the header's "Back office" link takes a staff member: the first section they
may open, whichever roles they hold (a licensing officer handles no complaints)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.decorators.http import require_safe

from musaned.backoffice.access import staff_required
from musaned.backoffice.selectors import DECIDE, VIEW_CONTRACTS
from musaned.complaints.permissions import HANDLE, SUPERVISE
from musaned.offices.permissions import is_licensing_officer

# In the order of the back office's own navigation, then the offices' register.
SECTIONS = (
    (lambda user: user.has_perm(HANDLE), "backoffice:queue"),
    (lambda user: user.has_perm(DECIDE), "backoffice:quality_queue"),
    (lambda user: user.has_perm(VIEW_CONTRACTS), "backoffice:contracts"),
    (lambda user: user.has_perm(SUPERVISE), "backoffice:statistics"),
    (is_licensing_officer, "offices:licensing"),
)


@require_safe
@staff_required
def home(request):
    for may_open, section in SECTIONS:
        if may_open(request.user):
            return redirect(section)
    raise PermissionDenied
