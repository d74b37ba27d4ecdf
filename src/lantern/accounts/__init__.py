"""Accounts, roles and API tokens: who may sign in to the web application and what each role may do."""
