"""Build the POST data of Wagtail's page editor from what the editor shows, as a browser would.

Wagtail renders StreamFields with JavaScript, so the editor's HTML holds the plain fields only;
the body's form data is built from the blocks' own form state. Wagtail silently drops unknown
block types from posted data, so tests assert on the saved body as well."""

from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield


def _form_value(state):
    if isinstance(state, dict):
        if "id" in state and len(state) > 1 and not {"type", "value"} <= state.keys():
            return state["id"]  # a chooser's state: the chosen object's id is what is posted
        return {
            key: _form_value(value)
            for key, value in state.items()
            if value is not False  # an unticked checkbox posts nothing
        }
    if isinstance(state, list):
        return state[0] if state else ""  # a select's state lists the chosen value
    if state is True:
        return "on"
    if state is None:
        return ""
    return state


def stream_form_data(stream_value) -> dict:
    return streamfield(
        [
            (child.block_type, _form_value(child.block.get_form_state(child.value)))
            for child in stream_value
        ]
    )


def page_edit_data(client, page, **changes) -> dict:
    """The page editor's form as it stands, with `changes` applied: plain fields as values,
    StreamFields as (block_type, value) lists."""
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form").dict()
    latest = page.specific.get_latest_revision_as_object()
    # The home page has no body.
    streams = {"body": stream_form_data(latest.body)} if hasattr(latest, "body") else {}
    for field, value in changes.items():
        if isinstance(value, list):
            streams[field] = streamfield(value)
        else:
            data[field] = value
    data.update(nested_form_data(streams))
    return data
