"""People and companies: contacts and their details, companies, groups, the cards they came
from, and turning what users type into one contact."""
