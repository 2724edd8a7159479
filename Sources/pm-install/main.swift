import PMCommon

Tool.main(.install)
