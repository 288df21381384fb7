"""EC2 Image Builder's GetImage over HTTP, for the images the demo says Image Builder made.

moto has no Image Builder at all. The demo's Image Builder images carry the tag
`Ec2ImageBuilderArn` (as Image Builder tags what it distributes); GetImage of that ARN answers
with the image as botocore's `imagebuilder` model shapes it: its recipe name and version, its
state, the pipeline that built it and the AMI it distributed. Image Builder's errors carry a
lowercase `message`; AWS documents no code for an unknown image build version: the demo answers
InvalidRequestException (400), the one modeled error of GetImage that fits, with its own words.
"""

from __future__ import annotations

import json
from typing import Any

from amiexplorer.demo.backends import ec2_backend
from amiexplorer.demo.faults import FaultResponse
from amiexplorer.demo.rest import Handler, RestRequest, json_answer

ARN_TAG = "Ec2ImageBuilderArn"
#: The pipeline every demo Image Builder image comes from.
PIPELINE = "web-golden-pipeline"


def _error(code: str, message: str, status: int) -> FaultResponse:
    body = json.dumps({"message": message}).encode()
    return FaultResponse(status, "application/json", body, (("x-amzn-ErrorType", code),))


def _image_of(request: RestRequest, arn: str) -> Any:
    ec2 = ec2_backend(request.region)
    for ami in ec2.amis.values():
        if ec2.tags.get(ami.id, {}).get(ARN_TAG) == arn:
            return ami
    return None


def get_image(request: RestRequest) -> FaultResponse:
    """GET /GetImage?imageBuildVersionArn=ARN."""
    arn = request.first("imageBuildVersionArn")
    if not arn:
        return _error("InvalidRequestException", "imageBuildVersionArn is required", 400)
    ami = _image_of(request, arn)
    if ami is None:
        return _error("InvalidRequestException", f"The image {arn} does not exist.", 400)
    # arn:aws:imagebuilder:REGION:ACCOUNT:image/NAME/VERSION/BUILD
    name, version = arn.split(":image/", 1)[1].split("/")[:2]
    prefix = arn.split(":image/", 1)[0]
    image: dict[str, Any] = {
        "arn": arn,
        "type": "AMI",
        "name": name,
        "version": f"{version}/{arn.rsplit('/', 1)[1]}",
        "platform": "Linux",
        "state": {"status": "AVAILABLE"},
        "sourcePipelineName": PIPELINE,
        "sourcePipelineArn": f"{prefix}:image-pipeline/{PIPELINE}",
        "dateCreated": str(ami.creation_date),
        "buildType": "SCHEDULED",
        "outputResources": {
            "amis": [
                {
                    "region": request.region,
                    "image": ami.id,
                    "name": ami.name,
                    "accountId": request.account,
                }
            ]
        },
    }
    return json_answer({"requestId": "demo-0000", "image": image})


HANDLERS: dict[str, Handler] = {"GetImage": get_image}
