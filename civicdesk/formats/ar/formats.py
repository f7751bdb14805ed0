"""Arabic formats for CivicDesk, over Django's own `ar` formats (what this file does not set comes from Django).

Digits stay Western Arabic (0–9), as Django writes them and as the city's bills, tracking numbers, street
numbers and phone numbers are printed; the decimal point and thousands separator are the ones used with
those digits in US dollar amounts (Django's `ar` defaults, "," and ".", would turn $1,234.50 into 1.234,50).
See docs/languages.md.
"""

DATETIME_FORMAT = "j F، Y، g:i A"
SHORT_DATETIME_FORMAT = "d‏/m‏/Y g:i A"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
