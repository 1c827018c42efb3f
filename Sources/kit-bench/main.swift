print("kit-bench")
