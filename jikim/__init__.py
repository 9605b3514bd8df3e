"""jikim (지킴): shipping and CS back office whose privacy policy is enforced by code."""
