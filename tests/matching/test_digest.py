"""The daily digest for the market's WeChat groups: today's new open jobs as text and as a PNG
whose QR codes lead to each job's fair."""

from __future__ import annotations

import io

from PIL import Image


def test_organisers_download_todays_jobs_as_text_and_image(
    api, db, make_user, make_fair, make_job, token_for
):
    fair = make_fair()
    job = make_job(title="叉车司机", pay_min=200, pay_max=260, pay_unit="day", district="东园镇")
    draft = make_fair(status="draft")
    hidden = make_job(title="草稿岗位")
    fair.jobs.append(job)
    draft.jobs.append(hidden)
    db.session.commit()
    organiser = token_for(make_user("organiser"))

    text = api.get("/matching/digest.txt", token=organiser)
    assert text.status_code == 200 and text.mimetype == "text/plain"
    body = text.get_data(as_text=True)
    assert "【今日新岗位】" in body and "共1个" in body
    assert "叉车司机｜Company" in body and "200–260元/天｜东园镇" in body
    assert f"/fairs/{fair.id}" in body and "草稿岗位" not in body

    png = api.get("/matching/digest.png", token=organiser)
    assert png.status_code == 200 and png.mimetype == "image/png"
    image = Image.open(io.BytesIO(png.data))
    assert image.width == 750 and image.height > 200

    assert api.get("/matching/digest.txt", token=token_for(make_user("host"))).status_code == 403
    assert api.get("/matching/digest.txt?date=yesterday", token=organiser).status_code == 422
    assert "共0个" in api.get("/matching/digest.txt?date=2020-01-01", token=organiser).get_data(
        as_text=True
    )
