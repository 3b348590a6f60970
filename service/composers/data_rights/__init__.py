"""A client's data rights that cut across domains: closing the client relationship,
legal holds, and the retention pass that erases what is past its time."""
