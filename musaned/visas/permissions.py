"""The visas app's permissions, each named once (the staff roles' data migration,
``musaned/complaints/migrations/0003_staff_roles.py``, gives them to groups)."""

# A reviewer decides the applications in quality check (approve, or decline with a reason).
DECIDE_VISA_APPLICATIONS = "visas.decide_visaapplication"
