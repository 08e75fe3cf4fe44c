"""Vietnamese language pieces shared by the stages: `normalize` (one Unicode form, offset maps),
`numbers` (the number grammar), `periods` (dates, periods, the lunar calendar), `geo` (provinces),
`orgs` (union organisations)."""
