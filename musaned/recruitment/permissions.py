"""The recruitment app's named permissions, spelled once.

- ``VIEW_ALL``: staff who see every contract, its stages and its ledger (read-only; the
  back office's pages, issue 13's later part).
"""

VIEW_ALL = "recruitment.view_all_contracts"
