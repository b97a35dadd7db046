"""Form fields announce only real errors and hints to assistive technology."""


def test_a_clean_form_has_no_invalid_or_dangling_aria_attributes(client, make_client):
    business = make_client()
    page = client.get(f"/c/{business.slug}/register").get_data(as_text=True)
    assert 'aria-invalid="None"' not in page and 'aria-describedby="None"' not in page
    assert "aria-invalid" not in page
    assert 'aria-describedby="password-hint"' in page


def test_a_rejected_field_is_marked_invalid_and_points_at_its_message(client, make_client):
    from tests.web.forms import submit

    business = make_client()
    page = submit(
        client,
        f"/c/{business.slug}/register",
        {
            "display_name": "Ada",
            "email": "ada@example.org",
            "password": "short",
            "confirm": "short",
        },
    ).get_data(as_text=True)
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="password-hint password-error"' in page
