"""Date and number normalisation on phrasings news uses."""
from datetime import date

import pytest

from ingest.dates import find_dates, parse_date
from ingest.numbers import parse_quantity

PUBLISHED = date(2026, 1, 23)


@pytest.mark.parametrize("text, iso", [
    ("in June 2024", "2024-06"),
    ("on October 12, 2025", "2025-10-12"),
    ("on 12 October 2025", "2025-10-12"),
    ("Friday, January 23, 2026", "2026-01-23"),
    ("(2025, June 25)", "2025-06-25"),
    ("Sept. 2023", "2023-09"),
    ("since 2014", "2014"),
    ("2024-06-19", "2024-06-19"),
])
def test_absolute_dates(text, iso):
    [found] = find_dates(text)
    assert found.value.iso == iso


@pytest.mark.parametrize("text, iso, earliest, latest", [
    ("six years ago", "2020", date(2020, 1, 1), date(2020, 12, 31)),
    ("two months ago", "2025-11", date(2025, 11, 1), date(2025, 11, 30)),
    ("last month", "2025-12", date(2025, 12, 1), date(2025, 12, 31)),
    ("last year", "2025", date(2025, 1, 1), date(2025, 12, 31)),
    ("in recent weeks", "2026-01", date(2025, 12, 26), date(2026, 1, 23)),  # named by the month written in
    ("yesterday", "2026-01-22", date(2026, 1, 22), date(2026, 1, 22)),
    ("this morning", "2026-01-23", date(2026, 1, 23), date(2026, 1, 23)),
    ("earlier this month", "2026-01", date(2026, 1, 1), date(2026, 1, 31)),
    ("NAIROBI, March 3 (Reuters)", "2025-03-03", date(2025, 3, 3), date(2025, 3, 3)),  # not in the future
])
def test_relative_dates_against_the_publication_date(text, iso, earliest, latest):
    [found] = find_dates(text, PUBLISHED)
    assert (found.value.iso, found.value.earliest, found.value.latest) == (iso, earliest, latest)


def test_relative_dates_stay_unknown_without_a_publication_date():
    [found] = find_dates("six years ago")
    assert found.value is None


@pytest.mark.parametrize("text", ["troops may soon arrive", "2,000 troops", "on February 30, 2024", "in 3000 BC"])
def test_no_date_where_there_is_none(text):
    assert [d.value for d in find_dates(text) if d.value] == []


@pytest.mark.parametrize("text, iso", [("2022", "2022"), ("2024-06", "2024-06"), ("June 2024", "2024-06"),
                                       ("2024-06-01", "2024-06-01"), ("October 12, 2025", "2025-10-12")])
def test_parse_user_dates(text, iso):
    assert parse_date(text).iso == iso


@pytest.mark.parametrize("text", ["soon", "", "2022-13", "June"])
def test_parse_user_dates_refuses_non_dates(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize("text, value, at_least", [
    ("3,000", 3000, 3000), ("6,000", 6000, 6000), ("12,500", 12500, 12500), ("two thousand", 2000, 2000),
    ("twenty-five", 25, 25), ("1.5 million", 1_500_000, 1_500_000), ("thousands of", None, 2000),
    ("hundreds of", None, 200), ("500", 500, 500),
])
def test_quantities(text, value, at_least):
    q = parse_quantity(text)
    assert (q.value, q.at_least) == (value, at_least)


@pytest.mark.parametrize("text", ["troops", "a few", "several"])
def test_not_a_quantity(text):
    assert parse_quantity(text) is None


@pytest.mark.parametrize("text, iso", [
    ("met on Thursday", "2026-01-22"),
    ("the talks on Friday", "2026-01-23"),  # the day of publication itself
    ("will meet on Tuesday", "2026-01-27"),  # a plan: the next one
    ("visited Moscow in May", "2025-05"),
    ("is expected to visit Baku in July", "2026-07"),
    ("signed in Manila in July last year", "2025-07"),
    ("next year", "2027"),
    ("next month", "2026-02"),
])
def test_weekdays_and_months_without_a_year(text, iso):
    [found] = [d for d in find_dates(text, PUBLISHED) if d.value]
    assert found.value.iso == iso
