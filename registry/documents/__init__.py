"""Official documents: PDF rendering in the Thai official form, stored versions, verification.

How a package that owns records (agreements, meetings) uses it::

    from registry.documents import rendering, services

    # 1. A template that extends "documents/base.html" and fills {% block content %}
    #    (extra CSS: {% block head %}<style>...</style>{% endblock %}). It receives your
    #    context plus ``doc``
    #    (rendering.Frame: doc.lang, doc.bilingual, doc.draft, doc.reference, doc.version,
    #    doc.digits(n), doc.en("English msgid") for the English half of bilingual text).
    #    User text goes in as plain values (autoescaped); never into style/src/href.

    # 2. Produce (or reuse) the stored version, in a view that has checked access:
    version = services.publish(
        "agreements", agreement.id,
        variant="th",                       # "th" | "en" | "bilingual" | "pdfa-th" ...
        content=agreement_as_dict,          # JSON-able data the PDF shows, same for every variant
        render=lambda stamp: rendering.render_pdf(
            "agreements/mou.html", {"agreement": agreement}, stamp=stamp, lang="th",
            title=agreement.title_th,
        ),
        actor=current_user, reference=agreement.reference, final=agreement.is_signed,
    )
    # Saved as "บันทึกข้อตกลง-MOU-2569-001-ฉบับร่าง-v3-th.pdf": what the document is, in its
    # language (pgettext("file name", ...) is called under that locale), then the printing
    # and the variant; the header carries an ASCII fallback in English as well.
    name = services.version_names(version, lambda: [
        pgettext("file name", "agreement"), version.reference,
        pgettext("file name", "final") if version.final else pgettext("file name", "draft"),
    ])
    return services.send_version(version, filename=name)

    # 3. Once, at import time: what the public verification page says about the record.
    @services.describer("agreements")
    def describe(record_id):
        return {"kind": ..., "title": ..., "status": ..., "in_force": ...,
                "content_hash": services.content_hash(content_now, reference=..., final=...)}
"""
