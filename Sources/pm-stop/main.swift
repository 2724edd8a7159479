import PMCommon

Tool.main(.stop)
