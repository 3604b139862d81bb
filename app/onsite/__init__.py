"""On-site fairs: registration with a waiting list, QR tickets, check-in, booths and posters."""
