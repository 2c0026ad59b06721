import pytest


@pytest.mark.django_db
def test_home_page_is_arabic_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="ar" dir="rtl"' in response.text


@pytest.mark.django_db
def test_home_page_in_english(client):
    response = client.get("/en/")
    assert 'lang="en" dir="ltr"' in response.text
