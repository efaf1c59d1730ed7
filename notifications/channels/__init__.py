"""Delivery channels. Each ``send`` raises on failure (the caller counts attempts and retries)."""
