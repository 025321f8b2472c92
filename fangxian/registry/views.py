from django.http import Http404

def _missing(request, pk=None):
    raise Http404

community_detail = person_list = person_export = person_create = person_detail = person_edit = person_reveal = _missing
dwelling_list = dwelling_detail = building_list = building_detail = estate_list = estate_detail = grid_list = grid_detail = _missing
