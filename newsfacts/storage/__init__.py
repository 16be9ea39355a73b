"""The only code that reads or writes tables (see DESIGN.md "Storage").

Today a facade over ``newsfacts.warehouse``/``newsfacts.objectstore``; the storage rebuild (issue 13) moves them here.
"""

from newsfacts.warehouse import (
    AnyWarehouse,
    StagingArea,
    TableChange,
    WarehouseBusy,
    WarehouseError,
    concat_in_schema,
    is_url,
    open_warehouse,
)

__all__ = [
    "AnyWarehouse",
    "StagingArea",
    "TableChange",
    "WarehouseBusy",
    "WarehouseError",
    "concat_in_schema",
    "is_url",
    "open_warehouse",
]
