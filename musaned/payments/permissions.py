"""The payments app's permissions, each named once."""

# Staff who may give a paid bill's money back (the owner's own cancellation, and the
# platform itself, need none: see workflow.py).
REFUND_BILLS = "payments.refund_bill"
