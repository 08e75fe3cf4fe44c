"""Writing the small TOML files the tools generate (inferred and scaffolded site files): scalars, lists,
arrays of tables. Strings use literal quotes when they can, so regexes and selectors stay readable."""

from __future__ import annotations


def toml_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        if "'" not in v and "\n" not in v and ("\\" in v or '"' in v):
            return f"'{v}'"
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def to_toml(data: dict) -> str:
    lines, tables = [], []
    for k, v in data.items():
        if v is None:
            continue
        if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            tables.append((k, v))
        else:
            lines.append(f"{k} = {toml_value(v)}")
    for k, items in tables:
        for item in items:
            lines.append(f"\n[[{k}]]")
            lines.extend(f"{ik} = {toml_value(iv)}" for ik, iv in item.items() if iv is not None)
    return "\n".join(lines) + "\n"
