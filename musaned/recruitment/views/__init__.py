"""The recruitment journey's pages, one module per side: the beneficiary's requests and
offers (``beneficiary``) and their contracts (``beneficiary_contracts``)."""
