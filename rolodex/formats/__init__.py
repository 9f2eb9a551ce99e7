"""Reading and writing records as text: the editor form now; vCard, iCalendar and CSV later."""
