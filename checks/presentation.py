from dataclasses import dataclass

from .models import Flag
from .rules import RULES


@dataclass
class FlagView:
    flag: Flag
    title: str
    explanation: str


def present_flags(flags) -> list[FlagView]:
    return [
        FlagView(
            flag=f, title=str(RULES[f.rule].title), explanation=RULES[f.rule].explain(f.params)
        )
        for f in flags
    ]
