import datetime as dt

from musaned.core.clocks import add_working_days, is_working_day, working_days_between

SUNDAY = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)  # a Sunday


def test_friday_and_saturday_are_the_weekend():
    assert [is_working_day(dt.date(2026, 11, d)) for d in range(22, 29)] == [
        True,
        True,
        True,
        True,
        True,
        False,
        False,
    ]


def test_three_working_days_from_wednesday_skip_the_weekend():
    wednesday = SUNDAY + dt.timedelta(days=3)
    assert add_working_days(wednesday, 3).date() == dt.date(2026, 11, 30)  # Thu, Sun, Mon


def test_a_holiday_is_not_a_working_day():
    holiday = dt.date(2026, 11, 23)
    assert add_working_days(SUNDAY, 1, [holiday]).date() == dt.date(2026, 11, 24)


def test_a_complaint_filed_on_friday_counts_from_sunday():
    friday = dt.datetime(2026, 11, 27, 21, 0, tzinfo=dt.UTC)
    assert add_working_days(friday, 1).date() == dt.date(2026, 11, 30)


def test_working_days_between_counts_only_working_days():
    assert working_days_between(dt.date(2026, 11, 22), dt.date(2026, 11, 29)) == 5
