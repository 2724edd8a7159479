import PMCommon

Tool.main(.start)
