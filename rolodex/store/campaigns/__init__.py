"""Campaigns on a marketing calendar: the plan (``definitions``), who is in it
(``members``) and the ledger of what each person was sent (``ledger``)."""
