import PMCommon

Tool.main(.output)
