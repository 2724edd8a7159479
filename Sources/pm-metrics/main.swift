import PMCommon

Tool.main(.metrics)
