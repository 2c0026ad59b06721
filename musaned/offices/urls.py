from django.urls import path

from musaned.offices.views import directory, licensing, portal

app_name = "offices"

urlpatterns = [
    # The public directory (no account).
    path("offices/", directory.directory, name="directory"),
    path("offices/compare/", directory.compare, name="compare"),
    path("offices/how-we-compute/", directory.method, name="method"),
    path("offices/<str:uid>/", directory.office_page, name="office"),
    # The office portal: the member's own office.
    path("office/", portal.home, name="portal"),
    path("office/profile/", portal.profile, name="portal_profile"),
    path("office/prices/", portal.prices, name="portal_prices"),
    path("office/prices/<str:uid>/", portal.price_edit, name="portal_price"),
    path("office/prices/<str:uid>/remove/", portal.price_remove, name="portal_price_remove"),
    path("office/team/", portal.team, name="portal_team"),
    path("office/team/<str:uid>/remove/", portal.member_remove, name="portal_member_remove"),
    path(
        "office/team/invitations/<str:uid>/revoke/",
        portal.invitation_revoke,
        name="portal_invitation_revoke",
    ),
    path("office/history/", portal.history, name="portal_history"),
    # Invitations to work for an office, for the person invited.
    path("office/invitations/", portal.invitations, name="invitations"),
    path(
        "office/invitations/<str:uid>/accept/",
        portal.invitation_answer,
        {"answer": "accept"},
        name="invitation_accept",
    ),
    path(
        "office/invitations/<str:uid>/decline/",
        portal.invitation_answer,
        {"answer": "decline"},
        name="invitation_decline",
    ),
    # Licensing officers.
    path("licensing/", licensing.register, name="licensing"),
    path("licensing/offices/new/", licensing.office_new, name="licensing_office_new"),
    path("licensing/offices/<str:uid>/", licensing.office_detail, name="licensing_office"),
    path("licensing/offices/<str:uid>/act/", licensing.office_act, name="licensing_act"),
    path(
        "licensing/offices/<str:uid>/manager/",
        licensing.manager_invite,
        name="licensing_manager",
    ),
    path("licensing/ceilings/", licensing.ceilings, name="licensing_ceilings"),
    path("licensing/ceilings/new/", licensing.ceiling_new, name="licensing_ceiling_new"),
    path("licensing/vat/new/", licensing.vat_new, name="licensing_vat_new"),
]
