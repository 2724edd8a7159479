import PMCommon

Tool.main(.status)
