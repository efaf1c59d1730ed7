"""Delivery channels. Each ``send`` raises on failure (the caller counts attempts and retries).

Two failures are told apart, because a message must never be sent twice blindly:

- any ordinary exception: the message was certainly not accepted (the connection was refused or
  timed out before the message was handed over, the server or gateway answered with an error);
- :class:`DeliveryUnknown`: the whole message was handed over and the answer never came (a timeout
  or a broken connection after SMTP's end-of-data, a gateway that took the request and did not
  reply). It may have been accepted; ``notifications.services`` reconciles it instead of resending."""


class DeliveryUnknown(Exception):
    """The message was handed over in full and no answer came: it may have been accepted."""


class LookupUnavailable(Exception):
    """The channel cannot say whether a message arrived (no status lookup, or it failed)."""
