#!/bin/bash
#SBATCH --job-name={{job_name}}
#SBATCH --nodes={{nodes}}
#SBATCH --ntasks-per-node={{ntasks_per_node}}
#SBATCH --time={{time}}
#SBATCH --partition={{partition}}
#SBATCH --account={{account}}
#SBATCH --output={{output}}
{{sbatch_extra}}
# Written by `cascade generate`: study {{study}}, calculation {{calculation}},
# input set {{set}}, system {{system}}. Submit with sbatch from this folder
# (or all calculations in order with submit.sh in the study folder).
set -euo pipefail
{{modules}}
{{stage_in}}
{{vasp_command}}
{{post_process}}
