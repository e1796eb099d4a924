"""Illicit finance: accounts, transactions, laundering typologies and FinCEN red flags."""
