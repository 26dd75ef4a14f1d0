"""Accounts (身份鉴别): login with captcha and lock-out, the second factor, passwords, sessions,
and the account pages the province and admins run (/users/)."""
