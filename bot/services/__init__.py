"""Services: the product's rules (who may do what, what changes, who is told), Telegram-free."""
