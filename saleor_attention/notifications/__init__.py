"""What the plugin tells the outside world about flags: e-mails to customers
(emails.py), the same on both Saleor lines."""
