"""Messages to people: one durable outbox (in-app, Web Push, SMS), quiet hours and caps."""
