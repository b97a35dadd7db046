"""The customer pages: booking, my appointments, cancel and reschedule, through the test client."""
