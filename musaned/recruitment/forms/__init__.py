"""The recruitment journey's forms, one module per side: the beneficiary's
(``beneficiary``)."""
