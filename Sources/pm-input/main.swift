import PMCommon

Tool.main(.input)
