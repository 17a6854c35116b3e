from kg.commands.entry import main

main()
